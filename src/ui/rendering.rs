//! Whether the desk is drawn by a graphics card or in software. A console without one (a thin client, a VM,
//! Xvfb) draws through Mesa's llvmpipe or lavapipe, or SwiftShader: frames are slow there, so the desk says so
//! once at start, in the status bar and its history, instead of leaving the operator to guess why scrolling lags.

use eframe::wgpu::DeviceType;

use super::DeskApp;

/// Software renderers known by name (some report themselves as "other" devices, not CPU ones; OpenGL names no
/// device type at all).
const SOFTWARE_RENDERERS: [&str; 4] = ["llvmpipe", "lavapipe", "softpipe", "SwiftShader"];

/// Chooses how the window is drawn: `glow` (OpenGL) or `wgpu` (Vulkan, or OpenGL through wgpu).
pub const RENDERER_ENV: &str = "ICCC_DESK_RENDERER";

/// The drawing backend `ICCC_DESK_RENDERER` asks for (`glow` or `wgpu`, any case), or `None` (unset or
/// anything else) for the desk's own choice.
pub fn renderer_asked(value: Option<&str>) -> Option<eframe::Renderer> {
    match value?.trim().to_ascii_lowercase().as_str() {
        "glow" | "gl" | "opengl" => Some(eframe::Renderer::Glow),
        "wgpu" => Some(eframe::Renderer::Wgpu),
        _ => None,
    }
}

/// The backend to draw with when none is asked for: wgpu on a graphics card; OpenGL (glow) when wgpu finds only a
/// software adapter or none. On Mesa's software rendering a frame through OpenGL's llvmpipe costs about a third
/// of the CPU of Vulkan's lavapipe, and shows sooner (README "Figures": benches/keystroke.rs).
pub fn default_renderer() -> eframe::Renderer {
    let started = std::time::Instant::now();
    let adapter = first_adapter();
    let renderer = match &adapter {
        Some((name, device_type)) if software_renderer(name, *device_type).is_none() => {
            eframe::Renderer::Wgpu
        }
        _ => eframe::Renderer::Glow,
    };
    tracing::info!(
        adapter = ?adapter,
        renderer = ?renderer,
        look_ms = started.elapsed().as_millis() as u64,
        "drawing backend chosen"
    );
    renderer
}

/// The adapter wgpu would pick (its name and type), or `None` when it finds none.
fn first_adapter() -> Option<(String, DeviceType)> {
    use std::future::Future as _;
    let instance = eframe::wgpu::Instance::default();
    let future = instance.request_adapter(&eframe::wgpu::RequestAdapterOptions::default());
    let mut future = std::pin::pin!(future);
    // Native wgpu answers at once (no executor needed); anything else counts as no adapter.
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Ok(adapter)) => {
            let info = adapter.get_info();
            Some((info.name, info.device_type))
        }
        _ => None,
    }
}

/// The OpenGL renderer's name (`GL_RENDERER`, e.g. "llvmpipe (LLVM 15.0.7, 256 bits)").
pub fn gl_renderer_name(gl: &eframe::glow::Context) -> String {
    use eframe::glow::HasContext as _;
    // SAFETY: a plain query of a constant string on the context eframe has just made current.
    unsafe { gl.get_parameter_string(eframe::glow::RENDERER) }
}

/// The software renderer drawing the desk, named for the operator, or `None` on a graphics card. A CPU device
/// whose name is not known is named by the adapter's own name.
pub fn software_renderer(adapter_name: &str, device_type: DeviceType) -> Option<String> {
    let lower = adapter_name.to_lowercase();
    let known = SOFTWARE_RENDERERS
        .into_iter()
        .find(|name| lower.contains(&name.to_lowercase()));
    match (known, device_type) {
        (Some(name), _) => Some(name.to_string()),
        (None, DeviceType::Cpu) if !adapter_name.trim().is_empty() => {
            Some(adapter_name.trim().to_string())
        }
        (None, DeviceType::Cpu) => Some("CPU".to_string()),
        (None, _) => None,
    }
}

impl DeskApp {
    /// Says in the status bar, once at start, that the desk is on software rendering (nothing on a graphics card).
    pub fn note_renderer(&mut self, adapter_name: &str, device_type: DeviceType) {
        if let Some(renderer) = software_renderer(adapter_name, device_type) {
            tracing::info!(adapter = adapter_name, "software rendering");
            self.push_status_key(
                "status-software-rendering",
                &[("renderer", renderer)],
                false,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_renderers_are_named_and_graphics_cards_are_not() {
        let cases = [
            (
                "llvmpipe (LLVM 15.0.7, 256 bits)",
                DeviceType::Cpu,
                Some("llvmpipe"),
            ),
            // Mesa's Vulkan llvmpipe calls itself so; some drivers report it as "other".
            (
                "llvmpipe (LLVM 19.1.7, 256 bits)",
                DeviceType::Other,
                Some("llvmpipe"),
            ),
            ("Lavapipe", DeviceType::Cpu, Some("lavapipe")),
            ("Google SwiftShader", DeviceType::Cpu, Some("SwiftShader")),
            (
                "Microsoft Basic Render Driver",
                DeviceType::Cpu,
                Some("Microsoft Basic Render Driver"),
            ),
            ("", DeviceType::Cpu, Some("CPU")),
            ("NVIDIA GeForce GTX 1650", DeviceType::DiscreteGpu, None),
            (
                "Intel(R) UHD Graphics 620 (KBL GT2)",
                DeviceType::IntegratedGpu,
                None,
            ),
            ("AMD Radeon (virtio)", DeviceType::VirtualGpu, None),
        ];
        for (name, device_type, expected) in cases {
            assert_eq!(
                software_renderer(name, device_type).as_deref(),
                expected,
                "{name} ({device_type:?})"
            );
        }
    }
}
